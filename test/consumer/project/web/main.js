// The page runs the computation in a module Web Worker (where the kernels may use threads) and publishes the result.
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
window.result = new Promise((resolve) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.onerror = (e) => resolve({ error: e.message ?? String(e) });
});
