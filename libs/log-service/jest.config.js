module.exports = { ...require('../../jest.preset.js'), displayName: 'log-service', rootDir: __dirname };
