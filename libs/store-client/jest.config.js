module.exports = { ...require('../../jest.preset.js'), displayName: 'store-client', rootDir: __dirname };
