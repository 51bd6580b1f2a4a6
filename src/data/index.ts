// Public exports of src/data (filled in as the layer grows).
export {};
