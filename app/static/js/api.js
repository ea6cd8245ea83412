// The REST client: the token from the browser's storage, problem+json turned into ApiProblem.

const TOKEN_KEY = "keyrx.token";

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** Take `#token=...` from the address bar into storage and remove it from the URL and history. */
export function takeTokenFromUrl() {
  const match = location.hash.match(/^#token=([^&]*)/);
  if (!match) return false;
  const value = decodeURIComponent(match[1]).trim();
  if (value) token.set(value);
  history.replaceState(null, "", location.pathname + location.search);
  return true;
}

export class ApiProblem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.title = body?.title || `HTTP ${status}`;
    this.errors = body?.errors || {};
  }
}

export async function api(method, path, body, { ifMatch } = {}) {
  const headers = { Authorization: `Bearer ${token.get() || ""}` };
  const init = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers["Content-Type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    init.body = JSON.stringify(body);
  }
  if (ifMatch !== undefined) headers["If-Match"] = `"${ifMatch}"`;
  let resp;
  try {
    resp = await fetch(`/api${path}`, init);
  } catch (err) {
    throw new ApiProblem(0, { title: "Daemon unreachable", detail: "the daemon did not answer; is it running?" });
  }
  const text = await resp.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!resp.ok) {
    const problem = new ApiProblem(resp.status, data);
    if (resp.status === 401) window.dispatchEvent(new CustomEvent("keyrx:unauthorized"));
    throw problem;
  }
  return data;
}

export const get = (path) => api("GET", path);
export const post = (path, body) => api("POST", path, body);
export const put = (path, body, opts) => api("PUT", path, body, opts);
export const patch = (path, body, opts) => api("PATCH", path, body, opts);
export const del = (path, opts) => api("DELETE", path, undefined, opts);
