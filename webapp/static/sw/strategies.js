/* How Fieldbook's service worker precaches, answers requests and relays Background Sync.
 * Loaded by sw.js with importScripts (a classic worker, so every browser can run it). */
/* exported FieldbookStrategies */
// eslint-disable-next-line no-unused-vars
/** @param {FieldbookShell} shell */
function FieldbookStrategies(shell) {
  'use strict';
  const PREFIX = 'fieldbook-shell-';
  const cacheName = PREFIX + shell.version;
  const byPath = new Map(shell.assets.map((asset) => [asset.url, asset]));
  const shellPage = byPath.get(shell.shell);

  // The revision is part of the cache key, so an unchanged file is recognised in the
  // previous version's cache and copied instead of downloaded again.
  function keyOf(asset) {
    return new URL(`${asset.url}?rev=${asset.revision}`, self.location.origin).href;
  }

  async function sha256Hex(buffer) {
    const digest = await crypto.subtle.digest('SHA-256', buffer);
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function download(asset) {
    const response = await fetch(asset.url, { cache: 'no-cache', credentials: 'same-origin' });
    if (!response.ok || response.redirected) {
      throw new Error(`Shell file ${asset.url} answered ${response.status}`);
    }
    const body = await response.clone().arrayBuffer();
    // A server mid-deploy may send another version's file: refuse to mix versions.
    if (!(await sha256Hex(body)).startsWith(asset.revision)) {
      throw new Error(`Shell file ${asset.url} does not match revision ${asset.revision}`);
    }
    return response;
  }

  async function precache() {
    const cache = await caches.open(cacheName);
    await Promise.all(shell.assets.map(async (asset) => {
      const key = keyOf(asset);
      if (await cache.match(key)) return;
      const kept = await caches.match(key);
      await cache.put(key, kept || (await download(asset)));
    }));
  }

  async function activate() {
    const names = await caches.keys();
    const older = names.filter((name) => name.startsWith(PREFIX) && name !== cacheName);
    await Promise.all(older.map((name) => caches.delete(name)));
    // The very first version takes charge of the page that installed it; a later one is
    // only ever activated by the practitioner's own "Reload", which reloads the page.
    if (older.length === 0) await self.clients.claim();
  }

  async function fromCache(asset, request) {
    const cache = await caches.open(cacheName);
    const hit = await cache.match(keyOf(asset));
    return hit || fetch(request);
  }

  function respond(request) {
    if (request.method !== 'GET') return null;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin) return null;
    if (request.mode === 'navigate' && url.pathname.startsWith(shell.scope)) {
      return fromCache(shellPage, request);
    }
    const asset = byPath.get(url.pathname);
    return asset ? fromCache(asset, request) : null;
  }

  // Background Sync fired: ask an open Fieldbook page to run its sync and wait for the
  // answer. With no page open, fail, so that the browser tries again later; the app also
  // syncs whenever it starts, so nothing depends on this event.
  async function askPageToSync() {
    const windows = await self.clients.matchAll({ type: 'window' });
    const page = windows.find((w) => w.focused) || windows[0];
    if (!page) throw new Error('No Fieldbook page is open to sync.');
    const reply = await new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      const timer = setTimeout(() => reject(new Error('The page did not answer.')), 120000);
      channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data || {}); };
      page.postMessage({ type: 'SYNC_REQUESTED' }, [channel.port2]);
    });
    if (!reply.ok) throw new Error(reply.error || 'The sync did not finish.');
  }

  // A reminder arrived (push): show it. The payload is {title, body, url}, kept small and
  // free of health details by the server; anything unreadable still shows a notification,
  // because a push that shows nothing is held against the site by browsers.
  function showReminder(data) {
    let message = {};
    try { message = data ? data.json() : {}; } catch { message = { body: data ? data.text() : '' }; }
    const url = sameOriginPath(message.url) || shell.scope;
    return self.registration.showNotification(message.title || 'Fieldbook', {
      body: message.body || '', tag: message.tag || url, data: { url },
      icon: '/static/icons/icon-192.png', badge: '/static/icons/icon-192.png', lang: 'en',
    });
  }

  function sameOriginPath(url) {
    if (!url) return null;
    try {
      const target = new URL(url, self.location.origin);
      return target.origin === self.location.origin ? target.pathname + target.search + target.hash : null;
    } catch { return null; }
  }

  // A reminder was tapped: show its screen in the app if the app is open (it changes screen
  // itself, so nothing typed is lost), else open it in a new window: the app's screens and
  // the desk's pages alike (desk pages are outside this worker's scope, so it cannot steer
  // a desk tab already open).
  async function openFromNotification(notification) {
    const path = sameOriginPath(notification.data && notification.data.url) || shell.scope;
    const target = new URL(path, self.location.origin);
    if (target.pathname.startsWith(shell.scope)) {
      const windows = await self.clients.matchAll({ type: 'window' });
      const app = windows.find((w) => new URL(w.url).pathname.startsWith(shell.scope));
      if (app) {
        app.postMessage({ type: 'OPEN', url: target.href });
        return app.focus();
      }
    }
    return self.clients.openWindow(target.href);
  }

  return { version: shell.version, precache, activate, respond, askPageToSync, showReminder, openFromNotification };
}
