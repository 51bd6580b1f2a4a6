// The zoo's names as the command line takes them: an unknown name is a usage mistake (exit 2).
import { findZooName, ZOO } from '../models/zoo.js';
import { UsageError } from './usage-error.js';

export function zooName(name: string): string {
  const found = findZooName(name);
  if (!found) throw new UsageError(`unknown model "${name}"; available: ${Object.keys(ZOO).join(', ')}`);
  return found;
}
