module.exports = { ...require('../../jest.preset.js'), displayName: 'log-server', rootDir: __dirname };
