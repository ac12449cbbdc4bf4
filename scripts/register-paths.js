// Resolves the @chuishao/* aliases of tsconfig.base.json against the compiled tree in dist/.
'use strict';
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');
const paths = {};
for (const [alias, targets] of Object.entries(compilerOptions.paths)) {
  paths[alias] = targets.map((t) => t.replace(/\.ts$/, ''));
}
tsconfigPaths.register({ baseUrl: path.join(__dirname, '..', 'dist'), paths });
