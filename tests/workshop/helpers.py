from dealership.models import Role
from demo.builder import drawn_signature
from workshop.jobs import job_assign, job_clock_on, job_finish, jobs_sync, self_check_items
from workshop.models import Job


def dispatched(order, team, technician=None):
    """The order's jobs, dispatched to the team's technician."""
    jobs = jobs_sync(work_order=order)
    technician = technician or team[Role.TECHNICIAN]
    return [job_assign(job=job, technician=technician, bay="1号工位", actor=team[Role.FOREMAN]) for job in jobs]


def finish(job, **kw):
    return job_finish(job=job, technician=job.technician,
                      checks=kw.get("checks", self_check_items(store=job.work_order.store, job_type=job.job_type)),
                      report=kw.get("report", "更换完成,测量正常"), signature=kw.get("signature", drawn_signature(7)))


def working(order, team):
    [job] = dispatched(order, team)
    return job_clock_on(job=job, technician=job.technician)


__all__ = ["Job", "dispatched", "finish", "working"]
