// The WebGPU device for tests: SwiftShader (Debian's chromium package ships it) runs WebGPU on
// the CPU, so the GPU backend is checked on every machine. VK_ICD_FILENAMES is set here, before
// the first adapter request, unless the environment already names a Vulkan driver.
import { existsSync } from 'node:fs';
import { webGpuBackend, type WebGpuBackend } from '../src/kernels/webgpu/index.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The WebGPU backend, or null (with the reason printed) where no driver is installed. */
export async function openTestWebGpu(): Promise<WebGpuBackend | null> {
  if (!process.env.VK_ICD_FILENAMES) {
    if (!existsSync(SWIFTSHADER)) {
      console.log(`# webgpu: skipped, ${SWIFTSHADER} is absent (apt-get install chromium)`);
      return null;
    }
    process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  }
  const be = await webGpuBackend();
  if (!be) console.log('# webgpu: skipped, no adapter');
  return be;
}
