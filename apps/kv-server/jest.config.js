module.exports = { ...require('../../jest.preset.js'), displayName: 'kv-server', rootDir: __dirname };
