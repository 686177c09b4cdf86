module.exports = { ...require('../../jest.preset.js'), displayName: 'kvctl', rootDir: __dirname };
