/* For bench/key_stamps.py: poll(2), then the time it returned, taken before the caller (ctypes)
   waits for the interpreter lock again. Built by bench/latency_bench.py when a row asks for it. */
#include <poll.h>
#include <time.h>

int poll_stamp(struct pollfd *fds, unsigned long n, int timeout_ms, double *woke) {
    int ready = poll(fds, n, timeout_ms);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *woke = ts.tv_sec + ts.tv_nsec * 1e-9;
    return ready;
}
