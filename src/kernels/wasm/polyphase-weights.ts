// The phase kernels of a strided conv run as a stride-1 conv over its polyphase planes
// (assembly/polyphase-planes.ts): w' (cout, cin·s², r, r), r = ⌈k / s⌉, with
// w'[co][(c·s + a)·s + b][j][i] = w[co][c][s·j + a][s·i + b], zero past the k×k kernel. Computed
// only when the cached Winograd transform of them is stale: a few thousand values.
export function phaseWeights(w: Float32Array, out: Float32Array, cout: number, cin: number, k: number, s: number): void {
  const r = Math.ceil(k / s);
  let o = 0;
  for (let co = 0; co < cout; co++) {
    for (let c = 0; c < cin; c++) {
      const f = (co * cin + c) * k * k;
      for (let a = 0; a < s; a++) {
        for (let b = 0; b < s; b++) {
          for (let j = 0; j < r; j++) {
            for (let i = 0; i < r; i++, o++) {
              const y = s * j + a, x = s * i + b;
              out[o] = y < k && x < k ? w[f + y * k + x]! : 0;
            }
          }
        }
      }
    }
  }
}
