def job_detail(request, pk):
    raise NotImplementedError


def job_progress(request, pk):
    raise NotImplementedError


def job_download(request, pk):
    raise NotImplementedError


def year_report_request(request):
    raise NotImplementedError
