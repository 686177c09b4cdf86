console.log('store-server: not yet');
