module.exports = { ...require('../../jest.preset.js'), displayName: 'tx', rootDir: __dirname };
