export * from './catalog';
export * from './families';
export * from './dropped';
