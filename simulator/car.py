"""The car: a skid-steer body pushed by a kinematic control body through joints.

As in pymunk's tank example, each car is a dynamic box joined to an invisible
kinematic "control" body by a pivot joint (linear motion) and a gear joint (rotation),
both with their position correction switched off and their force limited to the
drive's traction. Setting the control body's velocity says what the wheels try to do;
the joints push the car towards it with at most ``max_force_n`` / ``max_torque_n_m``,
so the car stops against a wall instead of passing through it.

A skid-steer either drives straight or turns in place (or one side alone), so the
wanted velocity only changes when the motor pins do or the heading drifts: it is set
once per control tick, never per physics step.

Units inside pymunk: cm, s, kg, so forces are kg cm / s^2 (1 N = 100) and torques
kg cm^2 / s^2 (1 N m = 10,000).
"""
import numpy as np
import pymunk

CAR_COLLISION_TYPE = 1
OBSTACLE_COLLISION_TYPE = 2
NEWTON = 100.0            # kg cm / s^2
NEWTON_METRE = 10_000.0   # kg cm^2 / s^2


def wheel_velocities(pins, pwm, profile):
    """Forward speed (cm/s) and yaw rate (rad/s) for arrays of pins (n, 4) and PWM (n,)."""
    left, right = profile.motors.side_directions(pins)
    v = profile.drive.wheel_speed_cm_s(np.asarray(pwm, dtype=float))
    vl, vr = left * v, right * v
    return (vl + vr) / 2.0, (vr - vl) / profile.drive.effective_track_cm


class Cars:
    """n cars in one pymunk space, each with its own control body and joints."""

    def __init__(self, space: pymunk.Space, profile, n: int):
        self.profile, self.n = profile, n
        self.bodies, self.controls, self.shapes, self.joints = [], [], [], []
        body = profile.body
        moment = pymunk.moment_for_box(body.mass_kg, (body.length_cm, body.width_cm))
        for _ in range(n):
            car = pymunk.Body(body.mass_kg, moment)
            shape = pymunk.Poly.create_box(car, (body.length_cm, body.width_cm))
            shape.friction, shape.elasticity = 0.6, 0.0
            shape.collision_type = CAR_COLLISION_TYPE
            control = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
            joints = self._joints(control, car)
            space.add(car, shape, control, *joints)
            self.joints.append(joints)
            self.bodies.append(car)
            self.controls.append(control)
            self.shapes.append(shape)
        self.index_of_shape = {shape: i for i, shape in enumerate(self.shapes)}

    def _joints(self, control, car):
        pivot = pymunk.PivotJoint(control, car, (0, 0), (0, 0))
        pivot.max_bias = 0.0                      # no position correction: a pure velocity motor
        pivot.max_force = self.profile.drive.max_force_n * NEWTON
        gear = pymunk.GearJoint(control, car, 0.0, 1.0)
        gear.max_bias = 0.0
        gear.error_bias = 0.0
        gear.max_force = self.profile.drive.max_torque_n_m * NEWTON_METRE
        return pivot, gear

    def set_traction(self, force_n, torque_n_m) -> None:
        """Each car's own drive force (N) and yaw torque (N m) limits, arrays (n,), in place
        of the profile's."""
        for (pivot, gear), force, torque in zip(self.joints, np.asarray(force_n, dtype=float).tolist(),
                                                np.asarray(torque_n_m, dtype=float).tolist()):
            pivot.max_force = force * NEWTON
            gear.max_force = torque * NEWTON_METRE

    def place(self, i: int, x_cm: float, y_cm: float, heading_rad: float) -> None:
        """Put car i at rest at a pose (its control body too)."""
        for b in (self.bodies[i], self.controls[i]):
            b.position, b.angle = (x_cm, y_cm), heading_rad
            b.velocity, b.angular_velocity = (0.0, 0.0), 0.0
        space = self.bodies[i].space
        if space is not None:
            space.reindex_shapes_for_body(self.bodies[i])

    def poses(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (n, 2) in space coordinates and headings (n,) in radians."""
        state = self.state()
        return state[:, :2], state[:, 2]

    def state(self) -> np.ndarray:
        """(n, 3) rows x, y (space coordinates) and heading (radians)."""
        return np.array([(*b.position, b.angle) for b in self.bodies]).reshape(-1, 3)

    def penetration_cm(self, i: int) -> float:
        """How deep car i has sunk into what it touches (cm, 0 when apart): the contacts
        pymunk found at the end of the last step, their distance negative when overlapping."""
        depths = [0.0]
        self.bodies[i].each_arbiter(
            lambda arbiter: depths.extend(-p.distance for p in arbiter.contact_point_set.points))
        return max(depths)

    def drive(self, speed, yaw_rate, heading) -> None:
        """Set each control body's velocity: speed (cm/s) along heading, yaw rate (rad/s)."""
        vx, vy = speed * np.cos(heading), speed * np.sin(heading)
        for control, x, y, w in zip(self.controls, vx.tolist(), vy.tolist(), yaw_rate.tolist()):
            control.velocity = (x, y)
            control.angular_velocity = w

