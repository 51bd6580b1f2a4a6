// Public exports of src/optim (filled in as the layer grows).
export {};
