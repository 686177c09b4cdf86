module.exports = { ...require('../../jest.preset.js'), displayName: 'wal', rootDir: __dirname };
