import { compute } from '../compute.js';

compute().then((r) => postMessage({ ...r, crossOriginIsolated: globalThis.crossOriginIsolated }), (e) => postMessage({ error: String(e?.stack ?? e) }));
