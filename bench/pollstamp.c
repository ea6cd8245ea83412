/* For bench/key_stamps.py: poll(2), then the time it returned, taken before the caller (ctypes)
   waits for the interpreter lock again. With `boost` > 0 (row `boost`), a poll that found input
   first makes thread `boost` (the server's hub) SCHED_FIFO 1, so a hub preempted while it holds
   the lock runs at once and lets go of it; the caller puts it back once it holds the lock.
   Built by bench/latency_bench.py when a row asks for it. */
#include <poll.h>
#include <sched.h>
#include <time.h>

int poll_stamp(struct pollfd *fds, unsigned long n, int timeout_ms, double *woke, int boost) {
    int ready = poll(fds, n, timeout_ms);
    if (ready > 0 && boost > 0) {
        struct sched_param param = {.sched_priority = 1};
        sched_setscheduler(boost, SCHED_FIFO, &param);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    *woke = ts.tv_sec + ts.tv_nsec * 1e-9;
    return ready;
}
