// Shared Jest settings: SWC transpiles TypeScript (with decorator metadata for NestJS) and the
// @chuishao/* aliases come from tsconfig.base.json, so tests run the sources, not dist/.
const { compilerOptions } = require('./tsconfig.base.json');
const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target}`;
}
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleNameMapper,
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    }],
    // `feed` (the public Atom feed) ships ES modules only: Node 20.19+ requires them as they are,
    // Jest's module system needs them as CommonJS
    '/node_modules/feed/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!feed/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
