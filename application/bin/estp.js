#!/usr/bin/env node
// The `estp` executable. A committed shim rather than dist/cli/main.js itself, so that `npm ci`
// can link it into node_modules/.bin before the first build (npm skips bins whose file is missing).
'use strict';
try {
  require.resolve('../dist/cli/main.js');
} catch {
  process.stderr.write('estp is not built yet: run `npm run build` in the repository root\n');
  process.exit(2);
}
require('../dist/cli/main.js');
