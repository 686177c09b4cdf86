module.exports = { ...require('../../jest.preset.js'), displayName: 'log-client', rootDir: __dirname };
