"""Session policy: absolute lifetime, the list of signed-in sessions, password expiry."""


class SessionPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
