// What `require('striate')` gets: striate is an ES module with top-level await (the WebAssembly
// kernels load at import), which CommonJS cannot require synchronously.
throw new Error("striate is ESM-only: from CommonJS use `const striate = await import('striate');` (inside an async function)");
