// Panel 4's model files: the current model as safetensors (PyTorch's key names, the architecture
// in the metadata) and a file loaded back, into the architecture its metadata names.
import { decodeSafetensors, FASHION_MNIST_CLASSES, loadSafetensorsInto, modelToSafetensors, parseModelMetadata } from '../../../src/index.js';
import { fashionData } from './fashion.js';
import { ARCHITECTURES, cpuCopy, current, isArchitecture, replace } from './model-state.js';
import { isTraining, testReport, type TestReport } from './train.js';

export async function saveModel(): Promise<{ bytes: Uint8Array; fileName: string }> {
  const { model, architecture } = await cpuCopy();
  const bytes = modelToSafetensors(model, {
    architecture: { name: architecture, options: { numClasses: 10, inChannels: 1 } },
    classNames: FASHION_MNIST_CLASSES,
    training: { data: 'Fashion-MNIST subset (striate playground)' },
  });
  return { bytes, fileName: `striate-${architecture}.safetensors` };
}

export async function loadModel({ bytes, name }: { bytes: Uint8Array; name: string }): Promise<{ architecture: string; test: TestReport }> {
  if (isTraining()) throw new Error(`training is running: stop it before loading ${name}`);
  const file = decodeSafetensors(bytes, name);
  const arch = parseModelMetadata(file.metadata).architecture?.name ?? current().architecture;
  if (!isArchitecture(arch)) {
    throw new Error(`${name} holds a "${arch}" model; the playground trains ${Object.keys(ARCHITECTURES).join(' and ')} on 28×28 Fashion-MNIST`);
  }
  const model = ARCHITECTURES[arch].build();
  loadSafetensorsInto(model, file, name);
  replace(model, arch, true);
  return { architecture: arch, test: await testReport((await fashionData()).test) };
}
