module.exports = { ...require('../../jest.preset.js'), displayName: 'scripting', rootDir: __dirname };
