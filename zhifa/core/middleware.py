import re
import uuid

from zhifa.core.audit import audit_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Make the request (user, address, request id) known to the audit log for its whole duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_context(request=request, source=source, request_id=request.id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response
