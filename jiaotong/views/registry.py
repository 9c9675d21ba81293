def matter_list(request):
    raise NotImplementedError


def matter_create(request):
    raise NotImplementedError


def matter_detail(request, pk):
    raise NotImplementedError


def matter_edit(request, pk):
    raise NotImplementedError


def matter_public_list(request):
    raise NotImplementedError


def enterprise_list(request):
    raise NotImplementedError


def enterprise_create(request):
    raise NotImplementedError


def enterprise_detail(request, pk):
    raise NotImplementedError


def enterprise_edit(request, pk):
    raise NotImplementedError
