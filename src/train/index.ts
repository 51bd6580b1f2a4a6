// Public exports of src/train (filled in as the layer grows).
export {};
