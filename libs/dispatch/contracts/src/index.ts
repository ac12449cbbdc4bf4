/** What dispatch shows other contexts and departments, by topic. */
export * from './assignments';
export * from './events';
export * from './extensions';
export * from './replies';
export * from './department-messages';
