from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.demo.screening import DEMO_TOTP_KEYS


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo screening officer (demo accounts only)."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=sorted(DEMO_TOTP_KEYS))

    def handle(self, *args, **options):
        device = TOTPDevice.objects.filter(user__username=options["username"], name="Demo").first()
        if device is None:
            raise CommandError("no demo device: run 'trygg load_demo' first")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
