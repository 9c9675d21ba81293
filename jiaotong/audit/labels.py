"""Names of the core's audit actions, read by services (which record them) and
by the audit page (which shows their Chinese labels)."""

VERIFY_ACTION = "audit_verify"

# The core's actions; each app adds its own through AppConfig.audit_labels().
ACTION_LABELS = {
    "login": "登录",
    "logout": "退出登录",
    "session_expired": "会话超时退出",
    "login_failed": "登录失败",
    "account_locked": "账户锁定",
    "ip_locked": "地址锁定",
    "password_change": "修改密码",
    "password_check_failed": "修改密码时当前密码错误",
    "otp_enrol": "绑定两步验证",
    "otp_verify": "两步验证通过",
    "otp_failed": "两步验证失败",
    "otp_reset": "重置两步验证",
    "password_reset": "重置密码",
    "user_create": "创建账户",
    "user_deactivate": "停用账户",
    "user_activate": "启用账户",
    "role_change": "角色变更",
    "export": "导出",
    "import": "导入",
    "admin_create": "后台新增",
    "admin_update": "后台修改",
    "admin_delete": "后台删除",
    "matter_create": "新增权责事项",
    "matter_update": "修改权责事项",
    "orgunit_create": "新增组织单位",
    "orgunit_update": "修改组织单位",
    "enterprise_create": "新增企业",
    "enterprise_update": "修改企业",
    "enterprise_change_grade": "调整信用等级",
    "rule_parameter_seed": "初始化规则参数",
    "calendar_day_create": "录入工作日历",
    "calendar_day_update": "更正工作日历",
    "calendar_day_delete": "删除工作日历设置",
    "year_close": "年度关账",
    "year_reopen": "重新开放年度",
    VERIFY_ACTION: "审计链校验",
}
