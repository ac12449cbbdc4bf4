'use strict';
module.exports = async function globalTeardown() {
  await globalThis.__CHUISHAO_KAFKA__?.stop();
  await globalThis.__CHUISHAO_PG__?.stop();
};
