export * from './support';
export * from './service';
export * from './group-member';
export * from './boundary-fuzz';
export * from './kafka-acls';
export * from './kcat';
