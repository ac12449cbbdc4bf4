// Chinese / English names of the contract's codes.

export const ROLES = {
  street: ['街道', 'Street office'],
  department: ['区直部门', 'Department'],
  'command-center': ['区指挥中心', 'Command center'],
  'assessment-office': ['区考核办', 'Assessment office'],
  admin: ['管理员', 'Admin'],
  system: ['系统', 'System'],
};

export const LEVELS = {
  RED: ['红', 'Red'],
  YELLOW: ['黄', 'Yellow'],
  BLUE: ['蓝', 'Blue'],
};
export const LEVEL_CODES = ['RED', 'YELLOW', 'BLUE'];

export const WHISTLE_STATUS = {
  BLOWN: ['已吹哨', 'Blown'],
  TRIAGED: ['已分级', 'Triaged'],
  DISPATCHED: ['已派单', 'Dispatched'],
  IN_PROGRESS: ['处置中', 'In progress'],
  COMPLETED: ['已办结', 'Completed'],
  RESOLVED: ['已确认解决', 'Resolved'],
  REOPENED: ['已退回重办', 'Reopened'],
  WITHDRAWN: ['已撤回', 'Withdrawn'],
};

export const ASSIGNMENT_STATUS = {
  SUMMONED: ['待报到', 'Summoned'],
  REPORTED: ['已报到', 'Reported'],
  ARRIVED: ['已到场', 'Arrived'],
  IN_PROGRESS: ['处置中', 'In progress'],
  DISPUTED: ['退单待裁决', 'Disputed'],
  COMPLETED: ['已办结', 'Completed'],
  CLOSED: ['随哨件关闭', 'Closed with the whistle'],
  REASSIGNED: ['已改派', 'Reassigned'],
};

/** The whistle as dispatch knows it (an assignment's `whistle.phase`). */
export const WHISTLE_PHASE = {
  OPEN: ['哨件办理中', 'Whistle open'],
  REOPENED: ['哨件已退回重办', 'Whistle reopened'],
  RESOLVED: ['哨件已确认解决', 'Whistle resolved'],
  WITHDRAWN: ['哨件已撤回', 'Whistle withdrawn'],
};

/** Lost points in the scorecard's explanations (明细). */
export const LOST_POINT_KIND = {
  LATE: ['逾期办结', 'Completed late'],
  MISSED: ['超期未办结', 'Missed'],
  CLOSED: ['随哨件关闭，不计入', 'Closed with the whistle, not counted'],
  FEEDBACK: ['群众评价', 'Resident feedback'],
  DEDUCTION: ['街道扣分', 'Street deduction'],
};

export const COMPONENTS = { completion: ['完成度', 'Completion'], satisfaction: ['满意度', 'Satisfaction'], perception: ['感知度', 'Perception'] };

export const ASSIGNMENT_ROLE = { LEAD: ['牵头', 'Lead'], ASSIST: ['协办', 'Assist'] };

export const DEADLINE_KIND = {
  REPORT: ['报到', 'Report'],
  ARRIVE: ['到场', 'Arrive'],
  COMPLETE: ['办结', 'Complete'],
};

export const EVENT_TYPES = {
  WhistleBlown: ['吹哨', 'Whistle blown'],
  WhistleTriaged: ['分级响应', 'Triaged'],
  TriageOverridden: ['指挥中心改级', 'Triage overridden'],
  DepartmentsSummoned: ['派单召集部门', 'Departments summoned'],
  DepartmentReported: ['部门报到', 'Department reported'],
  DepartmentArrived: ['部门到场', 'Department arrived'],
  HandlingProgressed: ['处置进展', 'Handling progressed'],
  AssignmentDisputed: ['部门退单', 'Assignment disputed'],
  DisputeResolved: ['退单裁决', 'Dispute resolved'],
  DepartmentCompleted: ['部门办结', 'Department completed'],
  DeadlineMissed: ['超时未办', 'Deadline missed'],
  WhistleEscalated: ['催办升级', 'Escalated'],
  WhistleConfirmed: ['街道确认解决', 'Confirmed'],
  WhistleReopened: ['街道退回重办', 'Reopened'],
  WhistleWithdrawn: ['街道撤回', 'Withdrawn'],
  FeedbackRequested: ['请群众评价', 'Feedback requested'],
  FeedbackGiven: ['群众已评价', 'Feedback given'],
  DeadlinesChanged: ['时限调整', 'Deadlines changed'],
  AssignmentsCancelled: ['派单取消', 'Assignments cancelled'],
  AssignmentsClosed: ['派单随哨件关闭', 'Assignments closed with the whistle'],
};

export const GRADES = { EXCELLENT: ['优秀', 'Excellent'], GOOD: ['良好', 'Good'], AVERAGE: ['一般', 'Average'] };

export const RATINGS = {
  SATISFIED: ['满意', 'Satisfied'],
  BASICALLY_SATISFIED: ['基本满意', 'Basically satisfied'],
  DISSATISFIED: ['不满意', 'Dissatisfied'],
};

export const AREA_FALLBACK = {
  CONFLICT_SCREENING: ['矛盾排查', 'Conflict screening'],
  PUBLIC_SERVICE: ['服务群众', 'Serving the public'],
  JOINT_ENFORCEMENT: ['综合执法', 'Comprehensive law enforcement'],
  KEY_WORK: ['重点工作', 'Key work'],
  EMERGENCY: ['应急处置', 'Emergency response'],
};

/** [zh, en] of a code in a table, or the code itself. */
export function label(table, code) {
  return table[code] ?? [String(code ?? '—'), ''];
}
