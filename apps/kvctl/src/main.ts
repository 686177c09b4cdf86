console.log('kvctl: not yet');
