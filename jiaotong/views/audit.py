def audit_list(request):
    raise NotImplementedError
