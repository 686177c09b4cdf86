console.log('log-server: not yet');
