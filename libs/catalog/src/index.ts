export {
  AREA_CODES,
  SITUATION_COUNT,
  isAreaCode,
  levelRank,
  raiseLevel,
  mostUrgent,
  loadCatalog,
  defaultCatalog,
} from './catalog';
export type { AreaCode, Area, Situation, Department, Community, Street, CatalogData, Catalog } from './catalog';
export { validateCatalog } from './catalog.validation';
