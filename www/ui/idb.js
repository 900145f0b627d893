// The page's two IndexedDB helpers: promisify() (a request as a promise) and openDatabase() (open
// one by name and version, creating its object stores, with a readable error and a 5 s limit).
// Used by the run history (www/experiments/history.js) and the kept drawings
// (www/draw/kept-drawings.js).
//
// Non-goals: what is stored, falling back to memory (each store decides), transactions.

/** The request's result as a promise (its error as the rejection). */
export function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Opens database `name` at `version`, creating each of `stores` (object-store names, keyPath
 * `id`) that it lacks. Rejects with a readable error when IndexedDB refuses, is blocked by another
 * tab, or does not answer within 5 s.
 */
export function openDatabase(name, version, stores) {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = indexedDB.open(name, version);
    } catch (err) {
      reject(err);
      return;
    }
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const store of stores) if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, { keyPath: 'id' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('could not open IndexedDB'));
    request.onblocked = () => reject(new Error('the database is blocked by another tab of this page'));
    setTimeout(() => reject(new Error('IndexedDB did not answer within 5 s')), 5000);
  });
}
