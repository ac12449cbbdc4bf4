export {
  AREA_CODES,
  LEVELS,
  SITUATION_COUNT,
  isAreaCode,
  isLevel,
  levelRank,
  raiseLevel,
  mostUrgent,
  validateCatalog,
  loadCatalog,
  defaultCatalog,
} from './catalog';
export type { AreaCode, Level, Area, Situation, Department, Community, Street, CatalogData, Catalog } from './catalog';
