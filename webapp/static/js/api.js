// Talking to the server: one envelope for answers, two kinds of failure.
//  - NetworkError: the request did not get an answer (offline, server down, lost
//    response, timeout). Nothing is known about whether it arrived; retry later.
//  - ApiError: the server answered with {ok: false, error: {code, message}}.

export class NetworkError extends Error {
  constructor(message = 'No connection to the clinic server.') {
    super(message);
    this.name = 'NetworkError';
  }
}

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} [code]
   * @param {string} [message]
   * @param {string | null} [reason]
   * @param {Record<string, any>} [details] the error's other fields (e.g. restored_version)
   */
  constructor(status, code, message, reason = null, details = {}) {
    super(message || 'The server could not do that.');
    this.name = 'ApiError';
    this.status = status;
    this.code = code || 'server_error';
    this.reason = reason;  // more precise than the code, where the server says (e.g. 'lapsed')
    this.details = details;
  }
}

const TIMEOUT_MS = 60000;

// Every success answer carries the server's time; the app learns its clock offset from it
// (clock.js). A listener, not an import, so that this module stays the plain network layer.
/** @typedef {(serverTime: string, sentAt: number, answeredAt: number) => unknown} ServerTimeListener */
/** @type {ServerTimeListener | null} */
let serverTimeListener = null;
/** @param {ServerTimeListener} listener */
export function onServerTime(listener) {
  serverTimeListener = listener;
}

function timeoutSignal(ms) {
  if (AbortSignal.timeout) return AbortSignal.timeout(ms);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

/**
 * @typedef {object} ApiOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {string | null} [token]
 * @property {string | null} [csrf]
 * @property {number} [timeout] in milliseconds
 */

/**
 * Call the API. ``token`` sends the device's bearer token (and no cookie); ``csrf`` is for
 * the few calls made with the signed-in session. Resolves to the answer's envelope.
 * @param {string} path
 * @param {ApiOptions} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = 'GET', body, token, csrf, timeout = TIMEOUT_MS } = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (csrf) headers['X-CSRFToken'] = csrf;
  let response;
  const sentAt = Date.now();
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: token ? 'omit' : 'same-origin', cache: 'no-store', signal: timeoutSignal(timeout),
    });
  } catch {
    throw new NetworkError();
  }
  /** @type {any} */
  let data = null;
  try {
    data = await response.json();
  } catch {
    // A proxy's error page or a cut-off body: treat like no answer unless it was a 4xx.
    if (response.status >= 500 || response.status === 0) throw new NetworkError('The server did not answer properly.');
    throw new ApiError(response.status, 'bad_response', 'The server sent an answer Fieldbook cannot read.');
  }
  if (!response.ok || !data || data.ok === false) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code, error.message, error.reason || null, error);
  }
  if (data.server_time && serverTimeListener) {
    Promise.resolve(serverTimeListener(data.server_time, sentAt, Date.now())).catch(() => {});
  }
  return data;
}

/** Whether the browser believes it is offline (a hint only: the server may still be down). */
export const looksOffline = () => navigator.onLine === false;
