export * from './support';
export * from './service';
export * from './group-member';
export * from './boundary-fuzz';
export * from './decider-spec';
export * from './route-table';
export * from './kafka-acls';
export * from './kcat';
