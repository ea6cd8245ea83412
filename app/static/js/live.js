// The live connection: /ws with the bearer subprotocol, resume with since/epoch, backoff, resync.

const MAX_BACKOFF_MS = 10000;

export class Live extends EventTarget {
  /**
   * @param {object} o
   * @param {() => string} o.token           the API token
   * @param {(env: object) => void} o.apply  applies one event envelope to the page's state
   * @param {() => Promise<{seq:number, epoch:string}>} o.resync  re-fetches every snapshot
   * @param {string[]} o.topics             the topics the page follows (the server's default topics)
   */
  constructor({ token, apply, resync, topics }) {
    super();
    this.baseTopics = topics;
    this.token = token;
    this.apply = apply;
    this.resync = resync;
    this.state = "connecting";
    this.cursor = null;        // {seq, epoch}: the last event position the page reflects
    this.extra = new Set();    // private topics the page asked for: `key` (the monitor), `focus` (the header)
    this.attempt = 0;
    this.ws = null;
    this.buffer = null;        // events that arrive while a resync is fetching snapshots
    this.stopped = false;
    this.watchdog = null;
    this.retryTimer = null;
  }

  start(cursor) {
    this.cursor = cursor;
    this.stopped = false;
    this.connect();
    addEventListener("online", () => this.retryNow());
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.watchdog);
    if (this.ws) this.ws.close(1000);
  }

  setState(state, detail = "") {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, detail } }));
  }

  topics() {
    return [...this.baseTopics, ...this.extra];
  }

  /** Ask for a topic beyond the default ones, or stop it. */
  want(topic, on) {
    if (this.extra.has(topic) === on) return;
    if (on) this.extra.add(topic);
    else this.extra.delete(topic);
    this.send({ op: on ? "subscribe" : "unsubscribe", topics: [topic] });
  }

  /** Ask for `key` events (the live monitor) or stop them. */
  wantKeys(on) {
    this.want("key", on);
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  url() {
    const q = new URLSearchParams({ topics: this.topics().join(",") });
    if (this.cursor) {
      q.set("since", String(this.cursor.seq));
      q.set("epoch", this.cursor.epoch);
    }
    return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?${q}`;
  }

  connect() {
    if (this.stopped) return;
    let ws;
    try {
      ws = new WebSocket(this.url(), ["keyrx.v1", `bearer.${this.token()}`]);
    } catch (err) {
      // a token with characters a subprotocol cannot carry
      this.setState("failed", "the token cannot be sent over the WebSocket");
      return;
    }
    this.ws = ws;
    this.helloSeen = false;
    ws.onmessage = (msg) => this.onMessage(msg);
    ws.onclose = (ev) => this.onClose(ws, ev);
  }

  onMessage(msg) {
    let frame;
    try {
      frame = JSON.parse(msg.data);
    } catch {
      return;
    }
    if (frame.type === "hello") this.heartbeatS = frame.heartbeat_s || 15;
    this.kick();
    switch (frame.type) {
      case "hello":
        this.helloSeen = true;
        this.attempt = 0;
        this.dispatchEvent(new CustomEvent("hello", { detail: frame }));
        if (this.state !== "resyncing") this.setState("live");
        break;
      case "resync_required":
        this.doResync(frame.reason);
        break;
      case "event":
        if (this.buffer) this.buffer.push(frame);
        else this.deliver(frame);
        break;
      case "error":
        console.warn("keyrx /ws:", frame.error);
        break;
      default:
        break; // heartbeat, pong: the watchdog was kicked above
    }
  }

  deliver(env) {
    if (this.cursor && env.epoch === this.cursor.epoch && env.seq <= this.cursor.seq) return;
    this.cursor = { seq: env.seq, epoch: env.epoch };
    this.apply(env);
    this.dispatchEvent(new CustomEvent("event", { detail: env }));
  }

  async doResync(reason) {
    this.setState("resyncing", reason || "");
    this.buffer = this.buffer || [];
    try {
      const cursor = await this.resync();
      const waiting = this.buffer;
      this.buffer = null;
      this.cursor = cursor;
      for (const env of waiting) this.deliver(env);
      if (this.ws && this.ws.readyState === WebSocket.OPEN) this.setState("live");
    } catch (err) {
      this.buffer = null;
      this.cursor = null; // resume is impossible without a snapshot: the next hello resyncs
      if (this.ws) this.ws.close(4000);
    }
  }

  // a connection that goes quiet for two heartbeats is dead even if TCP has not noticed
  kick() {
    clearTimeout(this.watchdog);
    const limit = ((this.heartbeatS || 15) * 2 + 5) * 1000;
    const ws = this.ws;
    this.watchdog = setTimeout(() => ws && ws.close(4000), limit);
  }

  onClose(ws, ev) {
    if (ws !== this.ws) return;
    clearTimeout(this.watchdog);
    this.ws = null;
    if (this.stopped) return;
    if (!this.helloSeen) this.attempt += 1;
    if (this.attempt >= 2 && this.attempt % 2 === 0) this.dispatchEvent(new CustomEvent("failing"));
    // 4008: dropped as a slow consumer, resume at once; otherwise back off with jitter
    const base = ev.code === 4008 ? 0 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.setState("reconnecting", `retrying in ${Math.ceil(delay / 1000)} s`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  retryNow() {
    if (this.state === "reconnecting" && !this.ws) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  }
}
