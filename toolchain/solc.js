#!/usr/bin/env node
// A native-solc-compatible front for solcjs (the npm `solc` package), so that py-solc-x and
// brownie can drive it. It answers `--version` the way native solc does and compiles
// `--standard-json` from stdin. Imports resolve against the working directory, --base-path,
// every --include-path and the project's node_modules (where OpenZeppelin lives).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

function parseArgs(argv) {
  const opts = { version: false, standardJson: false, roots: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--version') opts.version = true;
    else if (arg === '--standard-json') opts.standardJson = true;
    else if (arg === '--base-path' || arg === '--include-path') opts.roots.push(argv[++i]);
    else if (arg === '--allow-paths') i++; // solcjs reads only what the import callback allows
  }
  return opts;
}

function importResolver(roots) {
  const candidates = [process.cwd(), ...roots, path.join(__dirname, '..', 'node_modules')];
  return (sourceUnit) => {
    for (const root of candidates) {
      const file = path.resolve(root, sourceUnit);
      if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
    }
    return { error: `File not found: ${sourceUnit} (searched ${candidates.join(', ')})` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write('usage: solc --version | solc --standard-json [--base-path P] [--include-path P] < input.json\n');
    process.exitCode = 2;
    return;
  }
  const input = fs.readFileSync(0, 'utf8');
  // Written without process.exit() so that Node flushes all of stdout, even into a pipe.
  process.stdout.write(solc.compile(input, { import: importResolver(opts.roots) }));
}

main();
