console.log('kv-server: not yet');
