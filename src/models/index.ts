// Public exports of src/models (filled in as the layer grows).
export {};
