def import_upload(request):
    raise NotImplementedError


def import_confirm(request):
    raise NotImplementedError
