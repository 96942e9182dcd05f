/* Fieldbook's service worker: the listeners. What they do is in sw/strategies.js.
 *
 * The server puts the list of shell files, with a hash of each, above this line (see
 * webapp/pwa/shell.py), so this file changes exactly when a shell file does. Policy:
 *  - install: download the new version's shell into its own cache, checking every hash;
 *    then WAIT. The page shows "A new version is ready" and sends SKIP_WAITING only when
 *    the practitioner agrees, so an open page never runs against a newer shell.
 *  - fetch: shell files cache-first; everything else (the API above all) goes to the
 *    network untouched. Client data never enters Cache Storage: it lives in IndexedDB.
 *  - sync ('fieldbook-push'): Background Sync is only a trigger; an open page runs the
 *    same sync code as every other trigger (the outbox in IndexedDB is the record).
 *  - push / notificationclick: show a reminder; a tap opens its screen (see docs/reminders.md).
 */
/* global FieldbookStrategies */
importScripts('/static/sw/strategies.js');

const strategies = FieldbookStrategies(self.FIELDBOOK_SHELL);

self.addEventListener('install', (event) => {
  event.waitUntil(strategies.precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(strategies.activate());
});

self.addEventListener('fetch', (event) => {
  const answer = strategies.respond(event.request);
  if (answer) event.respondWith(answer);
  // No respondWith: the browser goes to the network as if there were no worker.
});

self.addEventListener('message', (event) => {
  const message = event.data || {};
  if (message.type === 'SKIP_WAITING') {
    self.skipWaiting();
  } else if (message.type === 'GET_VERSION' && event.ports[0]) {
    event.ports[0].postMessage({ version: strategies.version });
  }
});

self.addEventListener('push', (event) => {
  event.waitUntil(strategies.showReminder(event.data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(strategies.openFromNotification(event.notification));
});

self.addEventListener('sync', (event) => {
  if (event.tag === 'fieldbook-push') event.waitUntil(strategies.askPageToSync());
});
