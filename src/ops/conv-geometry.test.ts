import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convOutputSize, resolvePadding, spatialArg } from './conv-geometry.js';

test('convOutputSize: r = (q - k + 2p)/s + 1, as in the lecture and PyTorch', () => {
  assert.deepEqual(convOutputSize([5, 5], 3), [3, 3]);
  assert.deepEqual(convOutputSize([5, 5], 3, { stride: 2, padding: 1 }), [3, 3]); // (5 − 3 + 2)/2 + 1
  assert.deepEqual(convOutputSize([28, 28], 5, { padding: 2 }), [28, 28]); // LeNet-5 conv1
  assert.deepEqual(convOutputSize([14, 14], 5), [10, 10]); // LeNet-5 conv2
  assert.deepEqual(convOutputSize([224, 224], 11, { stride: 4, padding: 2 }), [55, 55]); // AlexNet conv1
  assert.deepEqual(convOutputSize([7, 6], [3, 2], { stride: [2, 1], padding: [1, 2], dilation: [2, 1] }), [3, 9]);
  assert.deepEqual(convOutputSize([9], 4, { padding: 'same', dilation: 2 }), [9]);
  assert.deepEqual(convOutputSize([6, 5], [2, 3], { stride: [1, 2], padding: { begin: [1, 0], end: [0, 2] } }), [6, 3]);
  assert.deepEqual(convOutputSize([16, 16, 16], 3, { padding: 'valid' }), [14, 14, 14]);
  // pooling with ceilMode: the last window must start inside the input or the left padding
  assert.deepEqual(convOutputSize([5], 2, { stride: 2, ceilMode: true }), [3]);
  assert.deepEqual(convOutputSize([5], 2, { stride: 2, padding: 1, ceilMode: true }), [3]);
  assert.deepEqual(convOutputSize([112], 3, { stride: 2, padding: 1 }), [56]); // ResNet max pool
});

test('convOutputSize errors fill in the formula', () => {
  assert.throws(() => convOutputSize([4, 4], 7), /input \[4, 4\], kernel \[7, 7\]: the kernel is larger than the padded input along H: r = \(q - k \+ 2p\)\/s \+ 1 = \(4 - 7 \+ 2·0\)\/1 \+ 1 = -2/);
  assert.throws(() => convOutputSize([4], 0), /kernelSize must be positive integers, got 0/);
  assert.throws(() => convOutputSize([4, 4], [3]), /kernelSize \[3\] needs one value or 2/);
});

test("resolvePadding: symmetric, asymmetric, 'valid' and 'same' (extra zero at the end)", () => {
  assert.deepEqual(resolvePadding(1, 2, 'op', [3, 3], [1, 1], [1, 1]), { begin: [1, 1], end: [1, 1] });
  assert.deepEqual(resolvePadding({ begin: [1, 0], end: 2 }, 2, 'op', [3, 3], [1, 1], [1, 1]), { begin: [1, 0], end: [2, 2] });
  assert.deepEqual(resolvePadding('valid', 1, 'op', [3], [1], [1]), { begin: [0], end: [0] });
  assert.deepEqual(resolvePadding('same', 3, 'op', [4, 3, 2], [1, 2, 3], [1, 1, 1]), { begin: [1, 2, 1], end: [2, 2, 2] });
  assert.throws(() => resolvePadding('same', 1, 'conv1d', [3], [1], [2]), /conv1d: padding 'same' needs stride 1/);
  assert.throws(() => resolvePadding('full' as 'same', 1, 'conv1d', [3], [1], [1]), /conv1d: padding must be .*got 'full'/);
  assert.throws(() => resolvePadding({ begin: [1] } as never, 1, 'conv1d', [3], [1], [1]), /needs both begin and end/);
  assert.deepEqual(spatialArg([1, 2, 3], 3, 'op', 'stride', 1), [1, 2, 3]);
});
