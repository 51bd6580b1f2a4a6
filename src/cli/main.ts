// The `striate` command: one commander program, one file per subcommand under commands/.
// Exit codes: 0 success, 1 a failure while running (missing file, bad data), 2 a usage mistake
// (unknown command or option, an argument of the wrong form).
import { Command, CommanderError } from 'commander';
import { availableBackends, describeBackend, setBackend, type BackendName } from '../kernels/backend.js';
import { choiceArg, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './args.js';
import { registerBench } from './commands/bench.js';
import { registerExplain } from './commands/explain.js';
import { registerExport } from './commands/export.js';
import { registerFilter } from './commands/filter.js';
import { registerSummary } from './commands/summary.js';
import { registerTrain, registerEval } from './commands/train.js';
import { registerPredict } from './commands/predict.js';
import { processIo, type CliIo } from './io.js';


// Commands that run a model, whose speed depends on the backend.
const COMPUTING = new Set(['eval', 'predict']);

export function buildProgram(io: CliIo): Command {
  const program = new Command('striate')
    .description('Convolutional neural networks in TypeScript: train, inspect and run CNNs, and see how convolution works.')
    .version('0.1.0')
    .option('--backend <name>', 'compute backend: wasm or ref (default: the fastest available)', choiceArg(['wasm', 'ref'] as const))
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();
  program.hook('preAction', (_program, action) => {
    const name = program.opts<{ backend?: BackendName }>().backend;
    if (name && !availableBackends().includes(name)) {
      throw new UsageError(`--backend ${name} is not available here (available: ${availableBackends().join(', ')})`);
    }
    if (name) setBackend(name);
    // Say what computes (train's fit says it itself); on stderr, so --json output stays clean.
    // A command on --device webgpu says which adapter once it has opened it.
    if (COMPUTING.has(action.name()) && action.opts<{ device?: string }>().device !== 'webgpu') io.err(`running on ${describeBackend()}\n`);
  });
  registerTrain(program, io);
  registerEval(program, io);
  registerPredict(program, io);
  registerSummary(program, io);
  registerExport(program, io);
  registerFilter(program, io);
  registerExplain(program, io);
  registerBench(program, io);
  // Subcommands inherit neither exitOverride nor the output target, so set them on each.
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showHelpAfterError('(add --help for usage)');
  }
  return program;
}

/**
 * Runs the command line `argv` (without node and the script) and resolves to the exit code.
 * @example process.exit(await run(['explain', 'conv']));
 */
export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    // The package root makes the fastest backend current (WebAssembly SIMD where available).
    await import('../index.js');
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end the parse with a CommanderError too; those are successes.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`striate: error: ${message}\n`);
    if (e instanceof UsageError) {
      io.err('(add --help for usage)\n');
      return EXIT_USAGE;
    }
    if (process.env.STRIATE_DEBUG && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return EXIT_FAILURE;
  }
}
